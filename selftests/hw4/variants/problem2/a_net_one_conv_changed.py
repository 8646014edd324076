"""net_with_kernel makes only the first convolution k x k; the second stays 5 x 5."""
# expect: 2.2


def net_with_kernel(k):
    side = conv_output_size(conv_output_size(conv_output_size(conv_output_size(32, k), 2, stride=2), 5), 2, stride=2)
    return nn.Sequential(
        nn.Conv2d(3, 6, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * side * side, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
