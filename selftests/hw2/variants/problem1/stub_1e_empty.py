"""split_parameters is a stub that returns three empty lists: earns nothing on 1.e."""
# expect: 1.e=0


def split_parameters(model):
    return [], [], []
