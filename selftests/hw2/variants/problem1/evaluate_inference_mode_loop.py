"""evaluate with model.train(False), torch.inference_mode() and an index loop; restores the flag."""
# expect: full
import torch


def evaluate(model, images, labels, batch_size=100):
    was_training = model.training
    model.train(False)
    hits = 0
    with torch.inference_mode():
        for start in range(0, images.shape[0], batch_size):
            logits = model(images[start:start + batch_size])
            hits += int(torch.sum(logits.max(dim=1).indices == labels[start:start + batch_size]).item())
    model.train(was_training)
    return float(hits) / images.shape[0]
