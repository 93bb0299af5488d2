// The runtime's precompiled header: LibTorch's tensor and autograd API, so
// each LibTorch translation unit costs seconds, not ~20 s. Never include
// <torch/torch.h> (all of nn, optim, data, serialization) where this is enough.
#pragma once

#include <ATen/ATen.h>
#include <torch/autograd.h>
