#!/usr/bin/env python3
"""Writes the golden frame vectors, independently of the TypeScript encoder.

Run from the repository root: python3 test/vectors/make-vectors.py
Positives: <name>.bin + <name>.json (decoded form; "canonical": true when encode(decoded) must
give the same bytes back). Negatives: <name>.bin + <name>.json ({"code", "strict"}).
The §1.9 vector is written from the spec's hex dump, not computed.
See /work/shared/docs/ssm-data-channel.md §1.
"""
import hashlib, json, os, struct, uuid

ROOT = os.path.join(os.path.dirname(__file__), 'agent-message')

SPEC_1_9 = """
00 00 00 74 69 6e 70 75 74 5f 73 74 72 65 61 6d 5f 64 61 74 61 20 20 20 20 20 20 20 20 20 20 20
20 20 20 20 00 00 00 01 00 00 01 8b cf e5 68 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
44 44 55 55 55 55 55 55 11 11 11 11 22 22 33 33 d5 3c a1 ea 7d ce 87 c1 14 32 05 2a 85 50 ed 26
15 cf 71 5c a8 43 c8 97 10 ed 83 32 5b 69 1c ba 00 00 00 03 00 00 00 15 7b 22 63 6f 6c 73 22 3a
38 30 2c 22 72 6f 77 73 22 3a 32 34 7d
"""


def wire_uuid(text):
    b = uuid.UUID(text).bytes
    return b[8:] + b[:8]


def frame(mtype, seq, flags, ptype, payload, *, created=1700000000000, mid='11111111-2222-3333-4444-555555555555',
          hl=116, type_bytes=None, digest=None, plen=None, schema=1):
    tb = type_bytes if type_bytes is not None else mtype.encode().ljust(32, b' ')
    d = digest if digest is not None else hashlib.sha256(payload).digest()
    head = struct.pack('>I', hl) + tb + struct.pack('>IQqQ', schema, created, seq, flags) + wire_uuid(mid) + d
    head += struct.pack('>II', ptype, len(payload) if plen is None else plen)
    return head + payload


def decoded(mtype, seq, flags, ptype, payload, *, created=1700000000000, mid='11111111-2222-3333-4444-555555555555',
            digest=None, canonical=True, note='', schema=1):
    return {
        'note': note,
        'canonical': canonical,
        'messageType': mtype,
        'schemaVersion': schema,
        'createdDate': created,
        'sequenceNumber': str(seq),
        'flags': str(flags),
        'messageId': mid,
        'payloadType': ptype,
        'payloadHex': payload.hex(),
        'payloadDigestHex': (digest if digest is not None else hashlib.sha256(payload).digest()).hex(),
    }


def write(kind, name, data, meta):
    with open(os.path.join(ROOT, kind, name + '.bin'), 'wb') as f:
        f.write(data)
    with open(os.path.join(ROOT, kind, name + '.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')


def positives():
    size = b'{"cols":80,"rows":24}'
    write('positive', 'spec-1-9-size', bytes.fromhex(SPEC_1_9.replace('\n', ' ')),
          decoded('input_stream_data', 0, 0, 3, size, note='ssm-data-channel.md §1.9, from the hex dump'))
    out = b'hello\r\n'
    mid = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
    write('positive', 'output-seq0-syn', frame('output_stream_data', 0, 1, 1, out, mid=mid),
          decoded('output_stream_data', 0, 1, 1, out, mid=mid, note='agent output, SYN on seq 0'))
    ack = b'{"AcknowledgedMessageType":"output_stream_data","AcknowledgedMessageId":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","AcknowledgedMessageSequenceNumber":0,"IsSequentialMessage":true}'
    mid2 = 'f0e1d2c3-b4a5-4968-8776-655443322110'
    write('positive', 'acknowledge', frame('acknowledge', 0, 3, 0, ack, mid=mid2),
          decoded('acknowledge', 0, 3, 0, ack, mid=mid2, note='ack: seq 0, flags 3, payload type 0'))
    cc = b'{"MessageId":"m","CreatedDate":"2024-05-01T12:00:00Z","DestinationId":"ecs:c_t_r","SessionId":"ecs-execute-command-0123","MessageType":"channel_closed","SchemaVersion":1,"Output":"Your session timed out due to inactivity and has been terminated."}'
    write('positive', 'channel-closed-idle', frame('channel_closed', 0, 3, 0, cc),
          decoded('channel_closed', 0, 3, 0, cc, note='idle-timeout channel_closed'))
    write('positive', 'empty-payload', frame('start_publication', 0, 0, 0, b''),
          decoded('start_publication', 0, 0, 0, b'', note='empty payload: digest of ""'))
    big = 'héllo wörld ✓ 🚀'.encode()
    write('positive', 'large-seq-utf8', frame('output_stream_data', 2**40 + 7, 2**64 - 1, 11, big),
          decoded('output_stream_data', 2**40 + 7, 2**64 - 1, 11, big, note='64-bit seq, all flags, UTF-8'))
    write('positive', 'negative-seq', frame('input_stream_data', -1, 0, 1, b'x'),
          decoded('input_stream_data', -1, 0, 1, b'x', note='seq is signed int64'))
    # JSLIB quirks: NUL-left-padded type and a hex-text digest (lenient decode only).
    jsize = b'{"cols":202,"rows":18}'
    hexdigest = hashlib.sha256(jsize).hexdigest()[:32].encode()
    tb = b'input_stream_data'.rjust(32, b'\x00')
    write('positive', 'jslib-nul-padded', frame('input_stream_data', 0, 1, 3, jsize, type_bytes=tb, digest=hexdigest),
          decoded('input_stream_data', 0, 1, 3, jsize, digest=hexdigest, canonical=False,
                  note='ssm-session (JSLIB) frame: NUL left padding, hex-text digest'))
    tab = b'\tacknowledge\x00\x00 '.ljust(32, b'\x00')
    write('positive', 'mixed-padding', frame('acknowledge', 0, 3, 0, ack, type_bytes=tab),
          decoded('acknowledge', 0, 3, 0, ack, canonical=False, note='NUL and whitespace on both sides'))
    write('positive', 'payload-length-short', frame('output_stream_data', 3, 0, 1, out, plen=2),
          decoded('output_stream_data', 3, 0, 1, out, canonical=False,
                  note='PayloadLength < actual: Go readers take everything to the end'))


def negatives():
    good = frame('input_stream_data', 0, 0, 3, b'{"cols":80,"rows":24}')
    neg = lambda name, data, code, strict=False, note='': write('negative', name, data,
                                                              {'code': code, 'strict': strict, 'note': note})
    neg('empty', b'', 'PROTO_SHORT_FRAME')
    neg('short-header', good[:119], 'PROTO_SHORT_FRAME', note='one byte short of the header')
    neg('header-length-zero', b'\x00\x00\x00\x00' + good[4:], 'PROTO_BAD_HEADER_LENGTH')
    neg('header-length-small', struct.pack('>I', 100) + good[4:], 'PROTO_BAD_HEADER_LENGTH')
    neg('header-length-beyond-frame', struct.pack('>I', 4000) + good[4:], 'PROTO_BAD_HEADER_LENGTH')
    neg('header-length-120-strict', frame('input_stream_data', 0, 0, 3, b'abcd{}', hl=120), 'PROTO_BAD_HEADER_LENGTH',
        strict=True, note='lenient readers accept HL > 116; strict does not')
    neg('digest-mismatch', frame('output_stream_data', 1, 0, 1, b'data', digest=b'\x00' * 32), 'PROTO_BAD_DIGEST',
        strict=True)
    neg('jslib-hex-digest-strict', frame('input_stream_data', 0, 1, 3, b'{"cols":202,"rows":18}',
                                         digest=hashlib.sha256(b'{"cols":202,"rows":18}').hexdigest()[:32].encode()),
        'PROTO_BAD_DIGEST', strict=True, note='the plugin would drop this frame')
    neg('truncated-payload', frame('output_stream_data', 1, 0, 1, b'data', plen=100), 'PROTO_BAD_PAYLOAD_LENGTH')
    neg('payload-length-short-strict', frame('output_stream_data', 1, 0, 1, b'data', plen=2),
        'PROTO_BAD_PAYLOAD_LENGTH', strict=True)
    neg('unknown-payload-type', frame('output_stream_data', 1, 0, 99, b'data'), 'PROTO_UNKNOWN_PAYLOAD_TYPE', strict=True)
    neg('blank-message-type', frame('x', 0, 0, 0, b'', type_bytes=b' ' * 32), 'PROTO_BAD_MESSAGE_TYPE')
    neg('nul-message-type', frame('x', 0, 0, 0, b'', type_bytes=b'\x00' * 32), 'PROTO_BAD_MESSAGE_TYPE')
    neg('non-ascii-message-type', frame('x', 0, 0, 0, b'', type_bytes='outpüt'.encode().ljust(32, b' ')),
        'PROTO_BAD_MESSAGE_TYPE')
    neg('created-date-zero-strict', frame('output_stream_data', 1, 0, 1, b'data', created=0), 'PROTO_INVALID_FIELD',
        strict=True)
    neg('created-date-huge', frame('output_stream_data', 1, 0, 1, b'data', created=2**63), 'PROTO_INVALID_FIELD')


if __name__ == '__main__':
    positives()
    negatives()
