"""evaluate averages the per-batch accuracies (wrong when the last batch is smaller)."""
# expect: 2.4


def evaluate(net, loader):
    net.eval()
    accuracies = []
    with torch.no_grad():
        for images, labels in loader:
            accuracies.append((net(images).argmax(1) == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)
