"""Reads a Megatron-LM / GPT-NeoX indexed dataset (MMIDIDX .idx + .bin), written from the format
as gpt-neox's megatron/data/indexed_dataset.py defines it (not from Loom's code), and prints one
JSON line per document: {"ids": [...]}. Checks the header and that pointers and doc_idx agree
with the sizes; exits 1 saying what is wrong otherwise.

Usage: read_megatron.py <prefix>   (reads <prefix>.idx and <prefix>.bin)"""
import json
import struct
import sys

import numpy as np

DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64,
          7: np.double, 8: np.uint16}


def main():
    prefix = sys.argv[1]
    with open(prefix + ".idx", "rb") as f:
        index = f.read()
    if index[:9] != b"MMIDIDX\x00\x00":
        sys.exit(f"{prefix}.idx: bad magic {index[:9]!r}")
    version, = struct.unpack_from("<Q", index, 9)
    code, = struct.unpack_from("<B", index, 17)
    count, doc_count = struct.unpack_from("<QQ", index, 18)
    if version != 1 or code not in DTYPES:
        sys.exit(f"{prefix}.idx: version {version}, dtype code {code}")
    dtype = np.dtype(DTYPES[code])
    offset = 34
    sizes = np.frombuffer(index, np.int32, count, offset)
    offset += sizes.nbytes
    pointers = np.frombuffer(index, np.int64, count, offset)
    offset += pointers.nbytes
    doc_idx = np.frombuffer(index, np.int64, doc_count, offset)
    offset += doc_idx.nbytes
    if offset != len(index):
        sys.exit(f"{prefix}.idx: {len(index) - offset} bytes after the index")
    expected = np.concatenate([[0], np.cumsum(sizes.astype(np.int64) * dtype.itemsize)[:-1]])
    if count and not np.array_equal(pointers, expected):
        sys.exit(f"{prefix}.idx: pointers do not follow the sizes")
    if not np.array_equal(doc_idx, np.arange(doc_count)) or doc_count != count + 1:
        sys.exit(f"{prefix}.idx: doc_idx is not one sequence per document")
    data = np.memmap(prefix + ".bin", dtype=dtype, mode="r")
    if data.size != int(sizes.sum()):
        sys.exit(f"{prefix}.bin: {data.size} ids, the index says {int(sizes.sum())}")
    print(json.dumps({"dtype": dtype.name}))
    for pointer, size in zip(pointers, sizes):
        start = int(pointer) // dtype.itemsize
        print(json.dumps({"ids": data[start:start + int(size)].tolist()}))


if __name__ == "__main__":
    main()
