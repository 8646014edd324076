"""train_epoch trains correctly but returns the sum of the batch losses, not their mean."""
# expect: 2.3


def train_epoch(net, loader, optimizer, criterion):
    running_loss = 0.0
    for inputs, labels in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    return running_loss
