//! Prediction-file readers (in progress).
