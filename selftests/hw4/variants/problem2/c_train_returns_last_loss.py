"""train_epoch trains correctly but returns the last batch's loss."""
# expect: 2.3


def train_epoch(net, loader, optimizer, criterion):
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
    return loss.item()
