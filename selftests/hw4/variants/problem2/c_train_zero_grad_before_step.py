"""train_epoch calls zero_grad between backward and step: every step sees a zero gradient."""
# expect: 2.3


def train_epoch(net, loader, optimizer, criterion):
    losses = []
    for inputs, labels in loader:
        loss = criterion(net(inputs), labels)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
