# Reference values for tests/compare.rs, computed with R's pROC.
# Run: Rscript tests/reference/compare_reference.R  (R 4.x, pROC from r-cran-proc)
# The Rust tests carry the printed numbers, so they run without R.
suppressMessages(library(pROC))
options(digits = 17)

y <- c(1,0,1,1,0,0,1,0,1,0,0,1,1,0,0,1,0,1,0,0)
# A and B with ties within and across classes.
a <- c(0.9,0.4,0.7,0.7,0.2,0.4,0.6,0.1,0.9,0.7,0.3,0.5,0.8,0.4,0.2,0.6,0.5,0.4,0.1,0.3)
b <- c(0.8,0.5,0.6,0.9,0.5,0.2,0.4,0.3,0.7,0.6,0.5,0.5,0.6,0.1,0.5,0.7,0.2,0.9,0.3,0.4)
# A constant classifier.
k <- rep(0.5, 20)

ra <- roc(y, a, levels = c(0, 1), direction = "<", quiet = TRUE)
rb <- roc(y, b, levels = c(0, 1), direction = "<", quiet = TRUE)
rk <- roc(y, k, levels = c(0, 1), direction = "<", quiet = TRUE)

show_ci <- function(name, r) {
  ci <- ci.auc(r, method = "delong")
  cat(name, "auc", format(as.numeric(ci[2]), digits = 17),
      "low", format(as.numeric(ci[1]), digits = 17),
      "high", format(as.numeric(ci[3]), digits = 17),
      "var", format(var(r, method = "delong"), digits = 17), "\n")
}
show_ci("a", ra)
show_ci("b", rb)
show_ci("k", rk)

show_test <- function(name, r1, r2) {
  t <- roc.test(r1, r2, method = "delong", paired = TRUE)
  cat(name, "z", format(as.numeric(t$statistic), digits = 17),
      "p", format(t$p.value, digits = 17),
      "low", format(t$conf.int[1], digits = 17),
      "high", format(t$conf.int[2], digits = 17),
      "diff", format(as.numeric(t$estimate[1] - t$estimate[2]), digits = 17), "\n")
}
show_test("a-b", ra, rb)
show_test("a-k", ra, rk)
