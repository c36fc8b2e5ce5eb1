//! The study file (`afscope.toml`): the inputs of a study, their roles and settings.
