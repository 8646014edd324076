"""jacobian_Ay_wrt_y returns A: the numerator layout (entry (i, j) = dz_i/dy_j)."""
# expect: 1.1


def jacobian_Ay_wrt_y(A, y):
    return 1 * A
