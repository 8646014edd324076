"""evaluate calls model.eval() but records gradients (detaches the output instead of no_grad)."""
# expect: 1.b


def evaluate(model, images, labels, batch_size=100):
    model.eval()
    correct = 0
    for x, y in zip(images.split(batch_size), labels.split(batch_size)):
        correct += (model(x).detach().argmax(1) == y).sum().item()
    return correct / len(images)
