"""evaluate returns the notebook's percentage, correct * 100 / total."""
# expect: 2.4


def evaluate(net, loader):
    net.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            _, predicted = torch.max(net(images).data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct * 100 / total
