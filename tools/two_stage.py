"""The two-stage byte tables of the break property generators (gen_wordbreak.py,
gen_sentencebreak.py): a table of one byte per code point cut into blocks of
1 << shift, identical blocks stored once."""
import sys

MAX_CP = 0x10FFFF


def split_blocks(table, shift):
    """(limit, stage1, stage2): the code points below `limit` are in the blocks (past
    the last non-zero byte, every value is 0); stage1[cp >> shift] is the number of the
    block in stage2."""
    size = 1 << shift
    last = max(cp for cp in range(MAX_CP + 1) if table[cp])
    nblocks = (last >> shift) + 1
    index, stage1, stage2 = {}, [], []
    for k in range(nblocks):
        block = bytes(table[k * size:(k + 1) * size])
        if block not in index:
            index[block] = len(stage2)
            stage2.append(block)
        stage1.append(index[block])
    if len(stage2) > 256:
        sys.exit("more than 256 distinct blocks: stage 1 no longer fits uint8_t")
    return nblocks << shift, stage1, stage2


def write_bytes(out, values, per_line):
    for i in range(0, len(values), per_line):
        out.write("\t" + ",".join(str(v) for v in values[i:i + per_line]) + ",\n")
