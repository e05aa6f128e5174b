"""The names of every metric a run reports, by kind of data: one list for history.csv,
sweep.csv, the live history and the exports, so that no two places can disagree."""

MODE_METRICS = ("modes_covered", "high_quality_frac", "mode_kl")  # 2-D data with known modes
GRID_METRICS = ("grid_kl", "grid_js")  # every 2-D dataset (GAN Lab's 30x30 density measure)
POINT_METRICS = MODE_METRICS + GRID_METRICS  # 2-D data
IMAGE_METRICS = ("classes_covered", "class_kl", "mean_confidence", "fid_classifier",
                 "is_classifier")
CONDITIONAL_METRICS = ("label_accuracy", "worst_digit_accuracy")  # a cGAN's, besides
STAGE_LOSSES = ("stage1_d_loss", "stage1_g_loss", "stage2_d_loss", "stage2_g_loss")  # stacked
STACKED_MNIST_METRICS = ("modes_covered", "mode_kl", "mean_confidence", "confidence_r",
                         "confidence_g", "confidence_b")  # 1,000 digit triples
