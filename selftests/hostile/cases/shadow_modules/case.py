"""Ships torch.py, numpy.py, sympy.py and autograder/ that would fake every check if imported."""
# expect: full
# never: was imported
