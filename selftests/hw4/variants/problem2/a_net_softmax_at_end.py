"""net_with_kernel ends with a softmax after fc3 (the 003 student's description): probabilities,
not logits."""
# expect: 2.2


def net_with_kernel(k):
    side = conv_output_size(conv_output_size(conv_output_size(conv_output_size(32, k), 2, stride=2), k), 2, stride=2)
    return nn.Sequential(
        nn.Conv2d(3, 6, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * side * side, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10), nn.Softmax(dim=1))
