# HW2's part 5.a scores allcnn.pt on CIFAR-10's test set: fetch it unless it is bundled.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../../../autograder/deeplearning/fetch_cifar_test_set.sh" "5.a"
