"""Which lines of printed output are a table's rows (dlcamp/site_build/printed_tables.py):
on a phone those keep their columns and scroll in their box, every other line wraps. Each
example is real output from docs/figures/ (copied here, so a rebuild that changes its
numbers does not change the test), with exactly the line indices that are rows."""
import pytest

from dlcamp.site_build import printed_tables

EXAMPLES = {
    # a table with a header, a sentence above and below it, and a second table whose two
    # header lines sit over right-aligned numbers
    "resnet/degradation.txt": ("""\
training images (10000, 1, 14, 14), test (1000, 1, 14, 14)
model                      layers  training error   test error
plain, shallow                 20   0.275 ± 0.028    0.287 ± 0.028
plain, deep                    56   0.589 ± 0.041    0.602 ± 0.049
residual, shallow              20   0.153 ± 0.017    0.175 ± 0.015
residual, deep                 56   0.205 ± 0.009    0.231 ± 0.003
residual, deep, zero-init      56   0.159 ± 0.025    0.183 ± 0.028
(300 steps of 128 images, 2 seeds, mean ± sd)
                        gradient norm        conv weight norm
                        first block  last    first block  last
plain, init                458.991   0.275         2.3     4.6
plain, trained               0.009   0.312       828.1     6.1
residual, init               4.057   0.599         2.3     4.6
residual, trained            0.088   0.094        11.9     6.1
conv1 weights x 10: output changes by 7.3e-06, gradient norm / 10.0""",
                               {1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13}),
    # a header over right-aligned numbers, then a sentence
    "backprop/cost.txt": ("""\
   params  forward (us)  backward (us)  ratio  finite differences (s)
    4,321          41.5          123.8    3.0                   0.179
   10,689          50.4          141.8    2.8                   0.539
   29,569          91.1          200.3    2.2                   2.695
   91,905         166.0          375.5    2.3                  15.252
  314,881         478.3         1317.3    2.8                 150.613
1,154,049        1817.1         4949.4    2.7                2097.056
one weight: autograd 0.04949222, finite difference 0.04949222""", {0, 1, 2, 3, 4, 5, 6}),
    # a header whose words share no column edge with the rows below it (it counts
    # because it sits right above one), between sentences
    "rnn/clipping.txt": ("""\
clip by norm : (0.991, 0.132), norm 1.000, turned by 0.0 degrees
clip by value: (1.000, 0.400), norm 1.077, turned by 14.2 degrees
a tiny gradient, clipped by norm: (3.0e-06, 4.0e-07)
              test accuracy  loss, last 50  largest |grad|  |grad| > 1
no clipping    0.094 ± 0.004       5.88           307.4          92%
clipped at 1   0.666 ± 0.041       0.89            12.0          92%
(SGD, lr 0.5, 400 steps of 128 images, 3 seeds;
 |grad| > 1: the share of steps that clipping at 1 shortens)""", {3, 4, 5}),
    # a row a column off the others (0.03 is a digit shorter): still a row
    "softmax/temperature.txt": ("""\
T = 0.5: p = [0.842, 0.114, 0.042, 0.002]  entropy 0.538
T = 1.0: p = [0.609, 0.224, 0.136, 0.03]  entropy 1.014
T = 2.0: p = [0.434, 0.263, 0.205, 0.097]  entropy 1.265
T = 5.0: p = [0.322, 0.263, 0.238, 0.177]  entropy 1.364""", {0, 1, 2, 3}),
    # NumPy arrays: their spacing inside [...] is no column; indentation is none either
    "backprop/by_hand.txt": ("""\
forward:  z = [ 1.4673 -0.8198  0.1371], h = [0.8126 0.3058 0.5342]
          y_hat = -1.2697, loss = 5.1513
backward: dloss/dy_hat = -4.5393, dloss/dz = [ 0.2788  0.5749 -0.2056]
W1: largest |by hand - autograd| = 0.0e+00
b1: largest |by hand - autograd| = 0.0e+00
W2: largest |by hand - autograd| = 0.0e+00
b2: largest |by hand - autograd| = 0.0e+00""", set()),
    "softmax/softmax_vs_sum.txt": ("""\
z = tensor([1., 2., 3.])
  softmax:       tensor([0.090, 0.245, 0.665])
  divide by sum: tensor([0.167, 0.333, 0.500])
z = tensor([10., 20., 30.])
  softmax:       tensor([2.061e-09, 4.540e-05, 1.000e+00])
  divide by sum: tensor([0.167, 0.333, 0.500])
z = tensor([-1.,  0.,  2.])
  softmax:       tensor([0.042, 0.114, 0.844])
  divide by sum: tensor([-1.,  0.,  2.])
max |softmax(z + 10) - softmax(z)| = 1.5e-08""", {1, 4, 7}),
    # a separator padded into one column: "vertical edges  : ..." (its only run of two
    # spaces is the padding), below a sentence
    "conv/edge_kernels.txt": ("""\
test image 0: label 7, shape (28, 28)
vertical edges  : output (28, 28), range [-3.98, 3.94]
horizontal edges: output (28, 28), range [-3.98, 3.98]
blur            : output (28, 28), range [0.00, 0.92]""", {1, 2, 3}),
    "activations/activations.txt": ("""\
sigmoid   : largest derivative 0.2500 at x = 0.00
tanh      : largest derivative 1.0000 at x = 0.00
ReLU      : largest derivative 1.0000 at x = 0.00
Leaky ReLU: largest derivative 1.0000 at x = 0.00
GELU      : largest derivative 1.1289 at x = 1.41
 5 layers: product of sigmoid' factors <= 0.25^5 = 9.8e-04
10 layers: product of sigmoid' factors <= 0.25^10 = 9.5e-07
20 layers: product of sigmoid' factors <= 0.25^20 = 9.1e-13
50 layers: product of sigmoid' factors <= 0.25^50 = 7.9e-31""", {0, 1, 2, 3, 4}),
    # a separator padded in two lines only is no table (it takes three), and the
    # indented continuation lines are none either
    "activations/clipping.txt": ("""\
no clipping    : loss 68.56 -> nan after 500 steps
                 |grad| at step 0 1016.9; 0 steps clipped
clipped at 1.0 : loss 68.56 -> 0.004 after 500 steps
                 |grad| at step 0 1016.9; 186 steps clipped""", set()),
    # sentences next to a table: only the two aligned lines are rows
    "spiral/spiral_train.txt": ("""\
X: (3000, 2), y: (3000,)
linear train acc 0.531  test acc 0.522  loss@1000 0.738  loss@10000 0.738
relu   train acc 0.999  test acc 0.998  loss@1000 0.061  loss@10000 0.013
1-nearest-neighbour test acc 0.999""", {1, 2}),
    "augmentation/small_data.txt": ("""\
small CNN: 108,618 parameters, 1,000 training images
method       test accuracy  train - test   confidence     ECE
none         0.810 ± 0.005  0.178 ± 0.005  0.910 ± 0.006  0.101 ± 0.010
crop+flip    0.750 ± 0.015  0.071 ± 0.010  0.779 ± 0.010  0.031 ± 0.016
RandAugment  0.816 ± 0.002  0.103 ± 0.001  0.839 ± 0.004  0.027 ± 0.004
MixUp        0.814 ± 0.002  0.135 ± 0.008  0.804 ± 0.011  0.017 ± 0.006
CutMix       0.808 ± 0.003  0.118 ± 0.002  0.726 ± 0.017  0.082 ± 0.020
(1000 training images, 40 epochs, 3 seeds, mean ± sd)""", {1, 2, 3, 4, 5, 6}),
    # no table at all: sentences with the odd double space
    "pipeline/shuffling.txt": ("""\
shuffle=False: first batch [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] ...
shuffle=True : first batch [7, 8, 9, 0, 5, 1, 9, 2, 8, 4, 6, 7, 7, 8, 1, 9] ...
20000 images in 313 batches of 64; the first 31 (unshuffled) hold only 0s
shuffle=False: test accuracy 0.097, predicts '9' for 100% of test images
shuffle=True : test accuracy 0.848, predicts '9' for 12% of test images""", set()),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_table_rows_of_real_output(name):
    """Fails when a change to table_rows makes a sentence scroll off a phone's screen (a
    line counted as a row) or wraps a table's row under the wrong headers (a row missed)."""
    text, rows = EXAMPLES[name]
    found = printed_tables.table_rows(text)
    lines = text.split("\n")
    assert found == rows, (f"{name}: rows {sorted(found)}, expected {sorted(rows)}\n"
                           + "\n".join(f"{i:2} {'R' if i in found else ' '} {line}"
                                       for i, line in enumerate(lines)))


def test_mark_rows_wraps_exactly_the_rows():
    """mark_rows (both hooks' HTML) marks the rows table_rows finds, after a line's anchor,
    and keeps "x ± y" together in the lines that wrap."""
    text, rows = EXAMPLES["augmentation/small_data.txt"]
    marked = printed_tables.mark_rows(text).split("\n")
    assert [i for i, line in enumerate(marked) if '<span class="dl-row">' in line] == \
        sorted(rows)
    assert marked[7].endswith('<span class="dl-nobreak">mean ± sd)</span>')
    assert printed_tables.mark_rows('<span></span><a id="x"></a>a  b\nc  d') == (
        '<span></span><a id="x"></a><span class="dl-row">a  b</span>\n'
        '<span class="dl-row">c  d</span>')
