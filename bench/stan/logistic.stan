// bench/nuts_bench.py --stan: the logistic regression of examples/logistic_regression.ppl.
data {
  int<lower=0> N;
  int<lower=0> K;
  matrix[N, K] X;
  int<lower=0, upper=1> y[N];
}
parameters {
  vector[K] w;
  real b;
}
model {
  w ~ normal(0, 1);
  b ~ normal(0, 1);
  y ~ bernoulli_logit(X * w + b);
}
