"""train_epoch never calls zero_grad: the gradients accumulate from the second batch on."""
# expect: 2.3


def train_epoch(net, loader, optimizer, criterion):
    losses = []
    for inputs, labels in loader:
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
