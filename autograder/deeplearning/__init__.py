"""Building blocks that deep-learning courses share, for any assignment's checks to use.

- `models`: model recipes (plain data) that the worker builds, so checks hand student code real
  `nn.Module`s without sending code across the boundary.
- `checkpoint`: reading a student's checkpoint without running code (a worker task), in every
  layout students save (`torch.save` of a state dict, a dict holding one, safetensors).
- `allcnn`: the All-CNN-C architecture (Springenberg et al.) and its normalization.
- `cifar`, `cifar_fetch`: CIFAR-10 in its official Python layout, and fetching its test set.
- `adversarial`: batched clean and one-step FGSM accuracy, in a fixed float32 policy.

Nothing here names an assignment: each assignment decides which to use, with which files,
labels and thresholds.
"""
