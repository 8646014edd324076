"""NumPy throughout: integer scalars from NumPy, the dilated kernel built explicitly with zeros in its
gaps and slid over M, shapes as lists, the receptive field from the last layer back."""
# expect: full
import numpy as np


def conv_layer_counts(K, C, F):
    return np.int64(K) ** 2 * C * F, np.int64(F)


def pool_output_hw(W, H, K, S):
    return tuple(int(np.floor((size - K) / S)) + 1 for size in (W, H))


def layer_table(input_shape, layers):
    shape, rows = list(input_shape), []
    for name in layers:
        kind, _, rest = name.partition("-")
        if kind.startswith("CONV"):
            k, f = int(kind[4:]), int(rest)
            rows.append((k * k * shape[2] * f + f, [shape[0], shape[1], f]))
        elif kind.startswith("POOL"):
            k = int(kind[4:])
            rows.append((0, [(shape[0] - k) // k + 1, (shape[1] - k) // k + 1, shape[2]]))
        elif kind == "FLATTEN":
            rows.append((0, [int(np.prod(shape))]))
        else:
            rows.append((shape[0] * int(rest) + int(rest), [int(rest)]))
        shape = rows[-1][1]
    return rows


def dilated_conv2d(M, k, d):
    M, k = M.numpy(), k.numpy()
    big = np.zeros(((k.shape[0] - 1) * d + 1, (k.shape[1] - 1) * d + 1))
    big[::d, ::d] = k
    out = np.empty((M.shape[0] - big.shape[0] + 1, M.shape[1] - big.shape[1] + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(big * M[i:i + big.shape[0], j:j + big.shape[1]])
    return out


def receptive_field(layers):
    jumps = np.cumprod([1] + [s for _, s, _ in layers])[:-1]
    return int(1 + sum((k - 1) * d * j for (k, _, d), j in zip(layers, jumps)))
