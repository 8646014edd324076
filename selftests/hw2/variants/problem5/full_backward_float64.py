"""The homework's loss.backward() and x.grad, gradients in float64 on a copy of the model, results float64."""
# expect: full
import copy


def input_gradient(model, x, y):
    double = copy.deepcopy(model).double()
    x = x.detach().double().clone().requires_grad_(True)
    with torch.enable_grad():
        loss = F.cross_entropy(double(x), y)
        loss.backward()
    return x.grad.data.clone()


def fgsm(model, x, y, eps):
    return x.double() + eps * torch.sign(input_gradient(model, x, y))


def signed_gradient_attack(model, x, y, eps, steps=5):
    x = x.clone()
    losses = torch.zeros(steps)
    for k in range(steps):
        x.requires_grad_(True)
        loss = F.cross_entropy(model(x), y)
        model.zero_grad()
        loss.backward()
        dx = x.grad.data.clone()
        x = (x.detach() + eps * dx.sign())
        with torch.no_grad():
            losses[k] = F.cross_entropy(model(x), y)
    model.zero_grad(set_to_none=True)
    return x, losses


def adversarial_accuracy(model, images, labels, eps, batch_size=100):
    was_training = model.training
    model.eval()
    right = right_adv = 0
    for x, y in zip(images.split(batch_size), labels.split(batch_size)):
        x_adv = fgsm(model, x, y, eps).float()
        with torch.inference_mode():
            right += (model(x).argmax(dim=1) == y).sum().item()
            right_adv += (model(x_adv).argmax(dim=1) == y).sum().item()
    model.train(was_training)
    return right / len(labels), right_adv / len(labels)
