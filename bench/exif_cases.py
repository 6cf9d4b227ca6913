"""Small JPEGs whose EXIF orientation is hard to read: the cases bench/exif-vs-opencv.py decodes
with OpenCV and compares with lcnet's reading (src/pipeline/exif-orientation.ts).

cases(baseline, progressive) yields (name, file bytes), given a baseline and a progressive JPEG of
the same picture: every case splices APP1 segments (or other segments) into one of them. The names
say what each case varies, so that a disagreement can be found again by name.
"""
import random
import struct

ORIENTATION = 0x0112
EXIF = b"Exif\0\0"
XMP = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'/>"
# TIFF types by name, with the struct format of a value of that type held in place (None: the
# value field is an offset)
TYPES = {"BYTE": (1, "B"), "ASCII": (2, "B"), "SHORT": (3, "H"), "LONG": (4, "I"), "RATIONAL": (5, None),
         "SBYTE": (6, "b"), "UNDEFINED": (7, "B"), "SSHORT": (8, "h"), "SLONG": (9, "i"), "FLOAT": (11, None)}


def value_field(order, fmt, value):
    """The 4-byte value field of an entry holding `value` in place, written as `fmt`, padded"""
    e = "<" if order == "II" else ">"
    raw = struct.pack(e + fmt, value)
    return raw + b"\0" * (4 - len(raw))


def short_field(order, value):
    return value_field(order, "H", value)


def long_field(order, value):
    return value_field(order, "I", value)


def entry(order, tag, typ, count, field):
    e = "<" if order == "II" else ">"
    assert len(field) == 4
    return struct.pack(e + "HHI", tag, typ, count) + field


def orientation_entry(order, value, typ=3, count=1):
    return entry(order, ORIENTATION, typ, count, short_field(order, value))


def tiff(order="II", entries=None, mark=None, magic=42, ifd=8, count=None, tail=b""):
    """A TIFF block: byte order mark, magic, IFD0 offset, IFD0 (count, entries, next-IFD 0), tail"""
    if entries is None:
        entries = [orientation_entry(order, 6)]
    e = "<" if order == "II" else ">"
    head = (mark if mark is not None else order.encode()) + struct.pack(e + "H", magic) + struct.pack(e + "I", ifd)
    n = len(entries) if count is None else count
    return head + struct.pack(e + "H", n) + b"".join(entries) + b"\0\0\0\0" + tail


def segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def after_soi(jpeg, *segments):
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def markers(jpeg):
    """(marker, start, end) of the segments before the first SOS of an encoder's JPEG"""
    out, i = [], 2
    while True:
        m = jpeg[i + 1]
        length = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        out.append((m, i, i + 2 + length))
        if m == 0xDA:
            return out
        i += 2 + length


def exif_cases(jpeg):
    """Variations of the TIFF block inside one Exif APP1 right after SOI"""
    def one(block):
        return after_soi(jpeg, segment(0xE1, EXIF + block))

    for order in ("II", "MM"):
        for v in list(range(0, 11)) + [0x00FF, 0x0106, 0x0600, 0xFFFF]:
            yield "%s value %d" % (order, v), one(tiff(order, [orientation_entry(order, v)]))
        for name, (typ, fmt) in TYPES.items():
            if fmt is None:
                # RATIONAL/FLOAT: the value field is an offset; OpenCV still reads its first 16 bits
                for field_value in (6, 0x00060000, 0x06000000):
                    yield "%s type %s field %#x" % (order, name, field_value), one(
                        tiff(order, [entry(order, ORIENTATION, typ, 1, long_field(order, field_value))]))
                continue
            for v in (6, 3, 9):
                yield "%s type %s value %d" % (order, name, v), one(
                    tiff(order, [entry(order, ORIENTATION, typ, 1, value_field(order, fmt, v))]))
        for v in (6, 0x60000, 0x30000):
            yield "%s LONG raw %#x" % (order, v), one(tiff(order, [entry(order, ORIENTATION, 4, 1, long_field(order, v))]))
        for typ in (0, 13, 0xFFFF):
            yield "%s type %d" % (order, typ), one(tiff(order, [orientation_entry(order, 6, typ=typ)]))
        for count in (0, 2, 4, 0xFFFFFFFF):
            yield "%s count %d" % (order, count), one(tiff(order, [orientation_entry(order, 6, count=count)]))

        # magic and byte order marks
        e = "<" if order == "II" else ">"
        for magic in (42, 0x2A00, 43, 0, 0xFFFF):
            yield "%s magic %#x" % (order, magic), one(tiff(order, magic=magic))
        for mark in (b"IM", b"MI", b"XX", b"\0\0", b"ii", b"mm", b"I\0", b"M\0"):
            yield "%s entries under mark %r" % (order, mark), one(tiff(order, mark=mark))

        # IFD0 offset
        block = tiff(order)
        yield "%s ifd offset 8 plus padding" % order, one(tiff(order, ifd=12)[:8] + b"\0" * 4 + tiff(order)[8:])
        for ifd in (0, 2, 4, 6, 9, len(block) - 2, len(block) - 1, len(block), 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF):
            yield "%s ifd offset %d" % (order, ifd), one(tiff(order, ifd=ifd))
        # IFD0 placed at the end, after a gap
        gap = b"\x11" * 10
        ifd_bytes = tiff(order)[8:]
        yield "%s ifd after gap" % order, one(tiff(order)[:4] + struct.pack(e + "I", 8 + len(gap)) + gap + ifd_bytes)

        # entry counts against the entries present
        other = entry(order, 0x9999, 3, 1, short_field(order, 1))
        for count in (0, 1, 2, 3, 5, 0xFFFF):
            yield "%s count %d of [orientation, other]" % (order, count), one(
                tiff(order, [orientation_entry(order, 6), other], count=count))
            yield "%s count %d of [other, orientation]" % (order, count), one(
                tiff(order, [other, orientation_entry(order, 6)], count=count))

        # duplicates: the first one read wins
        for first, second in ((6, 3), (0, 6), (9, 6), (1, 8)):
            yield "%s duplicate %d then %d" % (order, first, second), one(
                tiff(order, [orientation_entry(order, first), orientation_entry(order, second)]))

        # the tags ExifReader decodes, before and after Orientation, with their data inside or outside
        base_len = len(tiff(order, [other, orientation_entry(order, 6)]))
        rationals = {"XResolution": (0x011A, 8), "YResolution": (0x011B, 8), "WhitePoint": (0x013E, 16),
                     "PrimaryChromaticities": (0x013F, 48), "YCbCrCoefficients": (0x0211, 24),
                     "ReferenceBlackWhite": (0x0214, 48)}
        for name, (tag, size) in rationals.items():
            tail = b"\x01" * size
            inside = base_len  # the tail starts right after IFD0
            for where, offset, t in (("inside", inside, tail), ("short by 1", inside + 1, tail), ("far", 0x10000, b"")):
                field = long_field(order, offset)
                yield "%s %s %s before" % (order, name, where), one(
                    tiff(order, [entry(order, tag, 5, size // 8, field), orientation_entry(order, 6)], tail=t))
                yield "%s %s %s after" % (order, name, where), one(
                    tiff(order, [orientation_entry(order, 6), entry(order, tag, 5, size // 8, field)], tail=t))
        for name, tag in (("ImageDescription", 0x010E), ("Make", 0x010F), ("Model", 0x0110), ("Software", 0x0131),
                          ("DateTime", 0x0132), ("Copyright", 0x8298)):
            for count, offset, tail in ((4, 0, b""), (4, 0xFFFF, b""), (5, base_len, b"Canon"), (5, base_len + 1, b"Canon"),
                                        (20, base_len, b"A" * 20), (20, 0xFFFF, b""), (0x7FFFFFFF, 8, b"")):
                for where in ("before", "after"):
                    e_str = entry(order, tag, 2, count, long_field(order, offset))
                    ents = [e_str, orientation_entry(order, 6)] if where == "before" else [orientation_entry(order, 6), e_str]
                    yield "%s %s count %d offset %d %s" % (order, name, count, offset, where), one(tiff(order, ents, tail=tail))
        for name, tag in (("ResolutionUnit", 0x0128), ("YCbCrPositioning", 0x0213), ("ExifOffset", 0x8769),
                          ("GPSOffset", 0x8825), ("Unknown", 0x1234)):
            ents = [orientation_entry(order, 6), entry(order, tag, 3, 1, short_field(order, 2))]
            yield "%s %s after" % (order, name), one(tiff(order, ents))
            ents = [entry(order, tag, 3, 1, short_field(order, 2)), orientation_entry(order, 6)]
            yield "%s %s before" % (order, name), one(tiff(order, ents))
            ents = [entry(order, tag, 4, 1, long_field(order, 0xFFFFFFFF)), orientation_entry(order, 6)]
            yield "%s %s LONG FFFFFFFF before" % (order, name), one(tiff(order, ents))
            # the same tag as the last entry, the block ending inside its value field: the failed read
            # comes after Orientation, which stands
            cut = tiff(order, [other, orientation_entry(order, 7), entry(order, tag, 3, 1, short_field(order, 2))])[:-4 - 3]
            yield "%s %s last entry cut at value" % (order, name), one(cut)

        # truncated blocks: every length of a two-entry block
        full = tiff(order, [entry(order, 0x9999, 3, 1, short_field(order, 1)), orientation_entry(order, 5)])
        for n in range(0, len(full) + 1):
            yield "%s truncated to %d" % (order, n), after_soi(jpeg, segment(0xE1, EXIF + full[:n]))


def segment_cases(jpeg, progressive):
    """Which APP1 OpenCV reads, where it sits in the file, and files libjpeg refuses"""
    ex6 = EXIF + tiff("II")
    ex3 = EXIF + tiff("MM", [orientation_entry("MM", 3)])
    s6, s3 = segment(0xE1, ex6), segment(0xE1, ex3)
    yield "no APP1", jpeg
    yield "Exif APP1", after_soi(jpeg, s6)
    yield "XMP then Exif", after_soi(jpeg, segment(0xE1, XMP), s6)
    yield "Exif then XMP", after_soi(jpeg, s6, segment(0xE1, XMP))
    yield "Exif 6 then Exif 3", after_soi(jpeg, s6, s3)
    yield "Exif 3 then Exif 6", after_soi(jpeg, s3, s6)
    for n in range(0, 8):
        yield "APP1 of %d bytes then Exif" % n, after_soi(jpeg, segment(0xE1, ex3[:n]), s6)
    for head in (b"Exif\0\1", b"EXIF\0\0", b"\0\0\0\0\0\0", b"XMP!!!", b"Exif  "):
        yield "header %r" % head, after_soi(jpeg, segment(0xE1, head + tiff("II")))
    yield "no Exif header, TIFF at 0", after_soi(jpeg, segment(0xE1, tiff("II")))
    for marker in (0xE0, 0xE2, 0xED, 0xFE):
        yield "Exif in marker %#x" % marker, after_soi(jpeg, segment(marker, ex6))
        yield "Exif in marker %#x then APP1 3" % marker, after_soi(jpeg, segment(marker, ex6), s3)
    for length in (0, 1):
        yield "APP1 length %d then Exif" % length, after_soi(jpeg, bytes([0xFF, 0xE1, 0, length]), s3)
        yield "APP2 length %d then Exif" % length, after_soi(jpeg, bytes([0xFF, 0xE2, 0, length]), s3)
        yield "COM length %d then Exif" % length, after_soi(jpeg, bytes([0xFF, 0xFE, 0, length]), s3)
    yield "APP1 length 2 then Exif", after_soi(jpeg, bytes([0xFF, 0xE1, 0, 2]), s3)

    segs = markers(jpeg)
    sof = [s for s in segs if s[0] in (0xC0, 0xC1, 0xC2)][0]
    sos = segs[-1][1]
    app0_end = segs[0][2]
    yield "Exif after SOF", jpeg[:sof[2]] + s6 + jpeg[sof[2]:]
    yield "Exif just before SOS", jpeg[:sos] + s6 + jpeg[sos:]
    yield "Exif after EOI", jpeg + s6
    yield "Exif before EOI", jpeg[:-2] + s6 + jpeg[-2:]
    yield "XMP before SOS, Exif after SOF", jpeg[:sof[2]] + s6 + jpeg[sof[2]:sos] + segment(0xE1, XMP) + jpeg[sos:]
    if progressive:
        scans = [i for i in range(sos + 1, len(jpeg) - 1) if jpeg[i] == 0xFF and jpeg[i + 1] == 0xDA]
        yield "Exif before the second scan", jpeg[:scans[0]] + s6 + jpeg[scans[0]:]
        yield "Exif before the last scan", jpeg[:scans[-1]] + s6 + jpeg[scans[-1]:]

    # bytes between segments that libjpeg skips
    yield "garbage after APP0", jpeg[:app0_end] + b"\x00\x12garbage" + s6 + jpeg[app0_end:]
    yield "fill bytes before APP1", jpeg[:2] + b"\xFF\xFF\xFF" + s6 + jpeg[2:]
    yield "FF 00 before APP1", jpeg[:2] + b"\xFF\x00" + s6 + jpeg[2:]
    yield "FF 00 FF 00 then garbage before APP1", jpeg[:app0_end] + b"\xFF\x00\xFF\x00abc" + s6 + jpeg[app0_end:]
    yield "garbage after APP1", jpeg[:2] + s6 + b"zz" + jpeg[2:]
    yield "APP1 length 3 too long", jpeg[:2] + b"\xFF\xE1" + struct.pack(">H", len(ex6) + 5) + ex6 + jpeg[2:]
    yield "APP1 length swallowing APP0", jpeg[:2] + b"\xFF\xE1" + struct.pack(">H", len(ex6) + 2 + app0_end - 2) + ex6 + jpeg[2:]
    yield "RST0 and TEM before APP1", jpeg[:2] + b"\xFF\xD0\xFF\x01" + s6 + jpeg[2:]
    yield "DNL before APP1", jpeg[:2] + segment(0xDC, b"\x00\x08") + s6 + jpeg[2:]
    # files libjpeg refuses before the first scan: OpenCV decodes nothing
    yield "unknown marker 0x02", jpeg[:2] + segment(0x02, b"ab") + s6 + jpeg[2:]
    yield "JPG0 marker", jpeg[:2] + segment(0xF0, b"ab") + s6 + jpeg[2:]
    yield "DHP marker", jpeg[:2] + segment(0xDE, b"ab") + s6 + jpeg[2:]
    yield "second SOI", jpeg[:2] + b"\xFF\xD8" + s6 + jpeg[2:]
    yield "EOI before SOS", jpeg[:2] + s6 + b"\xFF\xD9" + jpeg[2:]
    yield "second frame header", jpeg[:sos] + jpeg[sof[1]:sof[2]] + s6 + jpeg[sos:]
    yield "SOF3 segment", jpeg[:2] + segment(0xC3, b"\x08\x00\x08\x00\x10\x01\x01\x11\x00") + s6 + jpeg[2:]
    yield "SOS before frame header", jpeg[:2] + s6 + jpeg[sos:segs[-1][2]] + jpeg[2:]
    yield "DQT length 0", jpeg[:2] + b"\xFF\xDB\x00\x00" + s6 + jpeg[2:]
    yield "file ends inside APP1", jpeg[:2] + s6[:-3]
    yield "file ends after APP1", jpeg[:2] + s6
    yield "no FF after SOI", jpeg[:2] + b"\x00" + s6 + jpeg[2:]


def camera_block(order):
    """An IFD0 as cameras write it: strings and rationals stored after the directory, Orientation
    among them in tag order, an Exif sub-IFD offset"""
    e = "<" if order == "II" else ">"
    make, model, software, date = b"Canon\0", b"EOS 5D Mark IV\0", b"Firmware 1.0.2\0", b"2024:01:02 03:04:05\0"
    tags = 11
    data_start = 8 + 2 + 12 * tags + 4
    data = b""
    fields = []

    def put(raw):
        nonlocal data
        offset = data_start + len(data)
        data += raw
        return offset

    fields.append(entry(order, 0x010F, 2, len(make), long_field(order, put(make))))
    fields.append(entry(order, 0x0110, 2, len(model), long_field(order, put(model))))
    fields.append(orientation_entry(order, 6))
    fields.append(entry(order, 0x011A, 5, 1, long_field(order, put(struct.pack(e + "II", 72, 1)))))
    fields.append(entry(order, 0x011B, 5, 1, long_field(order, put(struct.pack(e + "II", 72, 1)))))
    fields.append(entry(order, 0x0128, 3, 1, short_field(order, 2)))
    fields.append(entry(order, 0x0131, 2, len(software), long_field(order, put(software))))
    fields.append(entry(order, 0x0132, 2, len(date), long_field(order, put(date))))
    fields.append(entry(order, 0x0213, 3, 1, short_field(order, 1)))
    fields.append(entry(order, 0x8298, 2, 4, b"Me\0\0"))
    fields.append(entry(order, 0x8769, 4, 1, long_field(order, put(b"\0\0\0\0\0\0"))))
    assert len(fields) == tags
    return tiff(order, fields, tail=data)


def random_cases(jpeg, count, seed):
    """A camera IFD0 with 1-4 random bytes of its first 160 changed, or cut short at random: the
    same every run (seeded)"""
    rng = random.Random(seed)
    for i in range(count):
        order = rng.choice(("II", "MM"))
        block = bytearray(camera_block(order))
        if rng.random() < 0.2:
            block = block[:rng.randrange(len(block))]
        else:
            for _ in range(rng.randint(1, 4)):
                block[rng.randrange(160)] = rng.choice((0, 1, 0xFF, rng.randrange(256)))
        yield "random %d (%s)" % (i, order), after_soi(jpeg, segment(0xE1, EXIF + bytes(block)))


def cases(baseline, progressive):
    for name, data in exif_cases(baseline):
        yield "baseline: " + name, data
    for order in ("II", "MM"):
        yield "baseline: %s camera IFD0" % order, after_soi(baseline, segment(0xE1, EXIF + camera_block(order)))
    for name, data in random_cases(baseline, 400, 20240601):
        yield "baseline: " + name, data
    for name, data in segment_cases(baseline, False):
        yield "baseline: " + name, data
    for name, data in segment_cases(progressive, True):
        yield "progressive: " + name, data
