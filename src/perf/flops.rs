//! How much arithmetic a token costs.
//!
//! # Training FLOPs per token
//!
//! The default rule is the standard `6N` (Kaplan et al. 2020): a forward pass
//! costs `2N` multiply-adds-as-FLOPs per token for `N` (active) parameters,
//! the backward pass twice that. For a mixture-of-experts model `N` is the
//! *activated* parameter count (DeepSeek-V3: 37B of 671B).
//!
//! When the architecture is given, the attention score and value products,
//! which `6N` omits, are added (the PaLM / Megatron MFU convention):
//!
//! ```text
//! attention, per token, training = 3 · 2 · L · S · (d_qk + d_v) · c
//! ```
//!
//! with `L` layers, sequence length `S`, `d_qk = heads · qk_head_dim` and
//! `d_v = heads · v_head_dim` (both `= hidden` for standard multi-head
//! attention, which gives the familiar `12·L·S·hidden`), and `c = ½` for causal
//! attention (only the lower triangle is computed), `1` otherwise.
//!
//! Check (DeepSeek-V3, MLA with 128 heads, qk 192 and v 128 per head, 61
//! layers, 4K sequence): the non-causal to causal ratio this rule gives,
//! 283.4 / 252.7 = 1.1215, matches the ratio of DeepSeek's two published MFUs,
//! 43.73% / 38.94% = 1.1230 (ISCA'25 Table 4).
//!
//! # Inference FLOPs per token
//!
//! A forward pass: `2N` plus the forward attention term at the served context.

use crate::units::Flops;
use serde::{Deserialize, Serialize};

/// Attention dimensions, when they differ from `heads · (hidden / heads)`
/// (e.g. multi-head latent attention).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AttentionShape {
    /// Attention heads.
    pub heads: u32,
    /// Query/key dimension per head.
    pub qk_head_dim: u32,
    /// Value dimension per head.
    pub v_head_dim: u32,
}

/// Which rule turns parameters and tokens into FLOPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlopsRule {
    /// `6N` only.
    SixN,
    /// `6N` plus attention when layers, sequence length and hidden size (or
    /// an [`AttentionShape`]) are known; plain `6N` otherwise. The default.
    #[default]
    SixNPlusAttention,
}

/// The dimensions of a transformer that the FLOP rules need.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TransformerShape {
    /// Activated parameters per token (all parameters for a dense model).
    pub active_params: f64,
    /// Layers, when known.
    pub layers: Option<u32>,
    /// Model (hidden) width, when known.
    pub hidden: Option<u32>,
    /// Explicit attention dimensions, when not `hidden`.
    pub attention: Option<AttentionShape>,
    /// Whether attention is causal (decoder LMs: yes).
    pub causal: bool,
}

impl TransformerShape {
    /// DeepSeek-V3 as its technical report gives it (arXiv 2412.19437,
    /// Dec 2024; published figures): 37B activated parameters per token,
    /// 61 layers, hidden 7,168, multi-head latent attention with 128 heads,
    /// query/key head dimension 192 (128 + 64 decoupled RoPE) and value
    /// head dimension 128; causal. The calibration case of `perf`.
    pub const DEEPSEEK_V3: Self = Self {
        active_params: 37e9,
        layers: Some(61),
        hidden: Some(7168),
        attention: Some(AttentionShape {
            heads: 128,
            qk_head_dim: 192,
            v_head_dim: 128,
        }),
        causal: true,
    };

    /// A dense or MoE model known only by its activated parameters.
    #[must_use]
    pub fn from_params(active_params: f64) -> Self {
        Self {
            active_params,
            layers: None,
            hidden: None,
            attention: None,
            causal: true,
        }
    }

    /// Total attention width `d_qk + d_v` summed over heads, if known.
    fn attention_width(&self) -> Option<f64> {
        match (self.attention, self.hidden) {
            (Some(a), _) => {
                Some(f64::from(a.heads) * (f64::from(a.qk_head_dim) + f64::from(a.v_head_dim)))
            }
            (None, Some(h)) => Some(2.0 * f64::from(h)),
            (None, None) => None,
        }
    }

    /// Forward attention FLOPs per token at sequence length `seq_len`, if the
    /// shape says enough (module docs).
    fn attention_forward(&self, seq_len: u32) -> Option<f64> {
        let l = f64::from(self.layers?);
        let w = self.attention_width()?;
        let c = if self.causal { 0.5 } else { 1.0 };
        Some(2.0 * l * f64::from(seq_len) * w * c)
    }

    /// Training FLOPs per token under `rule` at sequence length `seq_len`.
    #[must_use]
    pub fn training_flops_per_token(&self, rule: FlopsRule, seq_len: Option<u32>) -> Flops {
        let base = 6.0 * self.active_params;
        let attn = match (rule, seq_len) {
            (FlopsRule::SixNPlusAttention, Some(s)) => {
                3.0 * self.attention_forward(s).unwrap_or(0.0)
            }
            _ => 0.0,
        };
        Flops::from_raw((base + attn).max(0.0))
    }

    /// Forward (inference) FLOPs per token at context length `context`.
    #[must_use]
    pub fn inference_flops_per_token(&self, context: Option<u32>) -> Flops {
        let attn = context
            .and_then(|s| self.attention_forward(s))
            .unwrap_or(0.0);
        Flops::from_raw((2.0 * self.active_params + attn).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn v3(causal: bool) -> TransformerShape {
        TransformerShape {
            causal,
            ..TransformerShape::DEEPSEEK_V3
        }
    }

    #[test]
    fn six_n_is_the_floor() {
        let s = TransformerShape::from_params(37e9);
        assert_relative_eq!(
            s.training_flops_per_token(FlopsRule::SixNPlusAttention, Some(4096))
                .get(),
            222e9
        );
        assert_relative_eq!(
            v3(true)
                .training_flops_per_token(FlopsRule::SixN, Some(4096))
                .get(),
            222e9
        );
    }

    /// The causal / non-causal ratio matches DeepSeek's two published MFUs
    /// (43.73% / 38.94%, ISCA'25 Table 4) to 0.2%.
    #[test]
    fn deepseek_v3_causal_ratio_matches_published_mfus() {
        let rule = FlopsRule::SixNPlusAttention;
        let c = v3(true).training_flops_per_token(rule, Some(4096)).get();
        let n = v3(false).training_flops_per_token(rule, Some(4096)).get();
        assert_relative_eq!(c, 252.72e9, max_relative = 1e-3);
        assert_relative_eq!(n / c, 43.73 / 38.94, max_relative = 2e-3);
    }

    /// With standard attention the term is 12·L·S·hidden (PaLM appendix B),
    /// halved when causal.
    #[test]
    fn standard_attention_is_twelve_lsh() {
        let s = TransformerShape {
            active_params: 0.0,
            layers: Some(2),
            hidden: Some(10),
            attention: None,
            causal: false,
        };
        let f = s.training_flops_per_token(FlopsRule::SixNPlusAttention, Some(100));
        assert_relative_eq!(f.get(), 12.0 * 2.0 * 100.0 * 10.0);
        assert_relative_eq!(
            s.inference_flops_per_token(Some(100)).get(),
            4.0 * 2.0 * 100.0 * 10.0
        );
    }
}
