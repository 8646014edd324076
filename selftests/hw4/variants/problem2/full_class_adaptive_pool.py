"""Correct, written differently: net_with_kernel is a class of its own with conv1/conv2 and an
adaptive max pool to 5 x 5 (fc1 keeps 400 inputs for every k); conv_output_size by counting
windows; train_epoch weights each batch loss by its size (the same mean: equal batches);
evaluate returns a float32 tensor, counts over len(loader.dataset)."""
# expect: full


class NetK(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, k)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, k)
        self.fit = nn.AdaptiveMaxPool2d((5, 5))
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.fit(self.pool(F.relu(self.conv2(x))))
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def conv_output_size(h, k, padding=0, stride=1, dilation=1):
    span = dilation * (k - 1) + 1
    count, start = 0, 0
    while start + span <= h + 2 * padding:
        count += 1
        start += stride
    return count


def net_with_kernel(k):
    return NetK(k)


def train_epoch(net, loader, optimizer, criterion):
    total, seen, batches = 0.0, 0, 0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
        seen += len(labels)
    return total / seen


def evaluate(net, loader):
    net.eval()
    correct = torch.zeros(())
    with torch.no_grad():
        for images, labels in loader:
            _, predicted = torch.max(net(images), 1)
            correct += (predicted == labels).sum()
    return correct / len(loader.dataset)  # a float32 tensor
