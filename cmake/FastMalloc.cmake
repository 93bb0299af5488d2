# kiln_fast_malloc: links tcmalloc (Debian's libtcmalloc-minimal4) into an
# executable, which replaces malloc in the whole process, the dlopened runtime
# and LibTorch included.
#
# LibTorch allocates and frees tensors and autograd records on every
# operation; on the small tensors of most models glibc's malloc takes a large
# share of the time (fastbin consolidation around the kilobyte-sized tensors,
# aligned allocations): a NUTS gradient of the logistic regression runs ~20%
# faster with tcmalloc's thread caches (docs/performance.md). The hand-written
# LibTorch baselines of bench/ link it too, so their ratios to Kiln compare
# like with like.
find_library(KILN_TCMALLOC NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
add_library(kiln_fast_malloc INTERFACE)
if(KILN_TCMALLOC)
  message(STATUS "malloc: tcmalloc (${KILN_TCMALLOC})")
  # --no-as-needed: nothing calls tcmalloc by name, and the linker would
  # otherwise drop it.
  target_link_libraries(kiln_fast_malloc INTERFACE -Wl,--no-as-needed ${KILN_TCMALLOC} -Wl,--as-needed)
else()
  message(WARNING "libtcmalloc_minimal not found (scripts/install-deps.sh installs libtcmalloc-minimal4): "
                  "Kiln builds with glibc's malloc, and small models run ~20% slower")
endif()
