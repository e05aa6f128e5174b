"""The names of every metric a run reports, by kind of data: one list for history.csv,
sweep.csv, the live history and the exports, so that no two places can disagree."""

POINT_METRICS = ("modes_covered", "high_quality_frac", "mode_kl")  # 2-D data with known modes
IMAGE_METRICS = ("classes_covered", "class_kl", "mean_confidence", "fid_classifier",
                 "is_classifier")
CONDITIONAL_METRICS = ("label_accuracy", "worst_digit_accuracy")  # a cGAN's, besides
