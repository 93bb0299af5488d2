// The baseline for Kiln's start-up: a program that does nothing but load
// LibTorch (and make one tensor, so the linker keeps the library). `kiln run`
// of a one-line program should cost no more than this plus ~50 ms.
#include <ATen/ATen.h>

int main() { return at::zeros({1}).numel() == 1 ? 0 : 1; }
