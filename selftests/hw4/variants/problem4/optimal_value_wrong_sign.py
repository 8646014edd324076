"""optimal_gan_value returns log 4, the value of -V at the optimum (the wrong sign)."""
# expect: 4.1
import sympy


def optimal_gan_value():
    return sympy.log(4)
