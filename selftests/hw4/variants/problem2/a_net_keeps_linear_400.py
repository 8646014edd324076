"""net_with_kernel changes only the kernel size and keeps fc1 = Linear(400, 120) (question 2.2.4's
trap): for k = 3 the flatten has 576 features and the forward pass fails."""
# expect: 2.2


def net_with_kernel(k):
    return nn.Sequential(
        nn.Conv2d(3, 6, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, k), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
