"""layer_table shrinks the map in every CONV (no padding): 28 -> 26 for CONV3."""
# expect: 7


def layer_table(input_shape, layers):
    shape, rows = tuple(input_shape), []
    for name in layers:
        if name.startswith("CONV"):
            k, f = (int(v) for v in name[4:].split("-"))
            shape = (shape[0] - k + 1, shape[1] - k + 1, f)
            rows.append((k * k * rows_channels(rows, input_shape) * f + f, shape))
        elif name.startswith("POOL"):
            k = int(name[4:])
            shape = ((shape[0] - k) // k + 1, (shape[1] - k) // k + 1, shape[2])
            rows.append((0, shape))
        elif name == "FLATTEN":
            shape = (shape[0] * shape[1] * shape[2],)
            rows.append((0, shape))
        else:
            n = int(name[3:])
            rows.append((shape[0] * n + n, (n,)))
            shape = (n,)
    return rows


def rows_channels(rows, input_shape):
    return rows[-1][1][2] if rows else input_shape[2]
