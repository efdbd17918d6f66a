"""Pure language pieces: paths, payload templates, intrinsics, choice rules, errors."""
