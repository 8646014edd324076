"""layer_table counts the FC layer's weights only (forgets its biases): 1470 for Table 1's FC-3."""
# expect: 7
_reference_layer_table = layer_table


def layer_table(input_shape, layers):
    rows = _reference_layer_table(input_shape, layers)
    return [(count - shape[0] if name.startswith("FC") else count, shape)
            for name, (count, shape) in zip(layers, rows)]
