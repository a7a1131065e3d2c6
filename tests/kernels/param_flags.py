#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The flags of a module parameter, as built into a .ko.

  param_flags.py MODULE.ko NAME...

Prints "NAME 0xFLAGS" for each parameter: the flags byte of its struct
kernel_param (include/linux/moduleparam.h), the local symbol
__param_NAME in the __param section. Bit 1 is KERNEL_PARAM_FL_HWPARAM,
set by module_param_hw(): kernel/params.c refuses such a parameter when
the kernel is locked down (LOCKDOWN_MODULE_PARAMETERS). Exits 1 if a
parameter is not found.

Why read the .ko: a locked-down Debian kernel refuses every unsigned
module before it looks at a parameter, so the refusal itself cannot be
booted here.
"""
import sys

from elftools.elf.elffile import ELFFile

# struct kernel_param on 64-bit: name, mod, ops (8 bytes each), u16 perm,
# s8 level, u8 flags, then the 8-byte union: 40 bytes.
KERNEL_PARAM_SIZE = 40
FLAGS_OFFSET = 27


def param_flags(path, names):
    with open(path, "rb") as f:
        elf = ELFFile(f)
        section = elf.get_section_by_name("__param")
        symtab = elf.get_section_by_name(".symtab")
        if section is None or symtab is None:
            raise SystemExit(f"{path}: no __param section or symbol table")
        data = section.data()
        index = next(i for i, s in enumerate(elf.iter_sections()) if s.name == "__param")
        found = {}
        for sym in symtab.iter_symbols():
            name = sym.name
            if not name.startswith("__param_") or sym["st_shndx"] != index:
                continue
            if sym["st_size"] != KERNEL_PARAM_SIZE:
                raise SystemExit(f"{path}: {name} is {sym['st_size']} bytes, not a "
                                 f"{KERNEL_PARAM_SIZE}-byte struct kernel_param")
            found[name[len("__param_"):]] = data[sym["st_value"] + FLAGS_OFFSET]
    missing = [n for n in names if n not in found]
    for n in names:
        if n in found:
            print(f"{n} {found[n]:#x}")
    return 1 if missing else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    sys.exit(param_flags(sys.argv[1], sys.argv[2:]))
