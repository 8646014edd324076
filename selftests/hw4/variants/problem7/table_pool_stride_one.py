"""layer_table pools with stride 1 (a 2 x 2 window moved one pixel): 28 -> 27."""
# expect: 7
_reference_layer_table = layer_table


def layer_table(input_shape, layers):
    shape, rows = tuple(input_shape), []
    for name in layers:
        if name.startswith("POOL"):
            k = int(name[4:])
            shape = (shape[0] - k + 1, shape[1] - k + 1, shape[2])
            rows.append((0, shape))
        else:
            (row,) = _reference_layer_table(shape, [name])
            rows.append(row)
            shape = row[1]
    return rows
