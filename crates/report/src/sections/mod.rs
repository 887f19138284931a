//! One file per analyser's section (see [`Section`](crate::Section)).

pub(crate) mod collocations;
pub(crate) mod dictionary;
pub(crate) mod keyness;
pub(crate) mod kwic;
pub(crate) mod sentiment;
pub(crate) mod targets;
pub(crate) mod terms;
pub(crate) mod trends;
