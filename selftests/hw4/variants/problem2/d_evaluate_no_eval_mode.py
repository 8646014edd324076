"""evaluate never calls net.eval(): batch norm uses batch statistics (and updates its running
ones), dropout stays on."""
# expect: 2.4


def evaluate(net, loader):
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += int((net(images).argmax(1) == labels).sum())
            total += len(labels)
    return correct / total
