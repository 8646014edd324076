# HW4's part 2.4 scores cifar_net.pt on CIFAR-10's test set: fetch it unless it is bundled.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../../../autograder/deeplearning/fetch_cifar_test_set.sh" "2.4"
