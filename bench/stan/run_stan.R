# Stan's NUTS on the same model and data as Kiln's benchmark, for
# bench/nuts_bench.py --stan. One chain per seed; per run one line
#   RESULT <seed> <sampling seconds> <leapfrog steps> <min bulk ESS> <divergences>
# with the least bulk ESS (rank-normalized, rstan::ess_bulk) over every
# parameter (lp__ excluded), as Kiln's summary computes it.
#
#   Rscript run_stan.R MODEL.stan DATA.R WARMUP SAMPLES FIRST_SEED LAST_SEED
#
# The compiled model is cached beside MODEL.stan (rstan's auto_write), so
# give it a copy in a scratch folder; FIRST_SEED > LAST_SEED only compiles.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 6) stop("usage: run_stan.R MODEL.stan DATA.R WARMUP SAMPLES FIRST_SEED LAST_SEED")

# Debian's r-cran-bh puts Boost in /usr/include and has no include/ folder,
# where rstan looks for it: a private library whose BH has one.
shim <- file.path(tempdir(), "rlib")
dir.create(file.path(shim, "BH"), recursive = TRUE, showWarnings = FALSE)
invisible(file.copy(list.files(system.file(package = "BH"), full.names = TRUE),
                    file.path(shim, "BH"), recursive = TRUE))
invisible(file.symlink("/usr/include", file.path(shim, "BH", "include")))
.libPaths(c(shim, .libPaths()))
suppressMessages(library(rstan))
rstan_options(auto_write = TRUE)

model <- stan_model(args[1])
data <- read_rdump(args[2])
warmup <- as.integer(args[3])
samples <- as.integer(args[4])
first <- as.integer(args[5])
last <- as.integer(args[6])
# FIRST_SEED > LAST_SEED: compile (and cache) the model only.
for (seed in if (first <= last) first:last else integer(0)) {
  fit <- sampling(model, data = data, chains = 1, warmup = warmup, iter = warmup + samples,
                  seed = seed, refresh = 0)
  params <- get_sampler_params(fit, inc_warmup = FALSE)[[1]]
  draws <- as.array(fit)
  names <- setdiff(dimnames(draws)[[3]], "lp__")
  least <- min(sapply(names, function(p) ess_bulk(draws[, , p])))
  cat("RESULT", seed, get_elapsed_time(fit)[1, "sample"], sum(params[, "n_leapfrog__"]), least,
      sum(params[, "divergent__"]), "\n")
}
