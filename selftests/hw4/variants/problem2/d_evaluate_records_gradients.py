"""evaluate is right but runs its forward passes with autograd on (no torch.no_grad()): half of
each evaluate check."""
# expect: 2.4


def evaluate(net, loader):
    net.eval()
    correct = total = 0
    for images, labels in loader:
        correct += int((net(images).argmax(1) == labels).sum())
        total += len(labels)
    return correct / total
