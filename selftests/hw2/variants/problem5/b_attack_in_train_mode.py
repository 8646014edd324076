"""signed_gradient_attack puts the model in training mode for the attack (restoring it afterwards)."""
# expect: 5.b


def signed_gradient_attack(model, x, y, eps, steps=5):
    model.train()
    losses = []
    for _ in range(steps):
        x = _signed_step(model, x, y, eps)
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y))
    model.eval()
    return x, torch.stack(losses)
