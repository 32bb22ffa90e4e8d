//! Disaggregated serving: which (prefill pool, decode pool) pairs may serve
//! an inference phase, and what moving the KV cache between them costs.
//!
//! A phase with `disaggregation` set may send a prompt's prefill to pool
//! `A` and its decode to pool `B ≠ A`; the prompt's whole KV cache (every
//! input token, cache hits included: the decoder needs all of it) then
//! crosses from `A` to `B`:
//!
//! ```text
//! bytes per day   = input tokens per day · κ
//! peak bytes/s    = peak-sized input tokens per day · κ / 86,400 s
//! ```
//!
//! with `κ` the KV-cache bytes per token ([`PerfModel::kv_bytes_per_token`]
//! at the wider of the two pools' serving precisions). A pair is allowed
//! ([`route`]) when both pools may serve the phase and either
//!
//! * an explicit `disaggregation.links[]` entry joins them (any sites): the
//!   busiest hour's traffic must fit the link's `bandwidth`, and it costs
//!   the link's `usd_per_gb` (else the phase's); or
//! * they are at the same site and `same_site` is not `false`: the traffic
//!   is bounded only by the devices' scale-out bandwidth (below), and it
//!   costs the phase's `usd_per_gb` (0 when absent). A same-site pair needs
//!   both pools' scale-out bandwidth to be known.
//!
//! Either way, the traffic a pool's prefill devices send (and its decode
//! devices receive) is at most their scale-out bandwidth per device times
//! their number, where that bandwidth is known.

use super::{InferencePair, PerfModel};
use crate::scenario::{PhaseId, PoolId};
use crate::units::{Bytes, BytesPerSec, UsdPerGb};

/// How a prefill pool's KV cache reaches a decode pool (module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KvRoute {
    /// KV-cache bytes per prompt token moved.
    pub kv_per_token: Bytes,
    /// The explicit link's bandwidth, `None` for a same-site pair.
    pub link: Option<BytesPerSec>,
    /// Price of moving one GB.
    pub usd_per_gb: UsdPerGb,
    /// Scale-out bandwidth of one prefill device, when known.
    pub send: Option<BytesPerSec>,
    /// Scale-out bandwidth of one decode device, when known.
    pub receive: Option<BytesPerSec>,
}

impl KvRoute {
    /// Bytes per second the route carries at a daily rate of
    /// `input_per_day` prompt tokens.
    #[must_use]
    pub fn bytes_per_sec(&self, input_per_day: f64) -> f64 {
        input_per_day * self.kv_per_token.get() / 86_400.0
    }

    /// USD of moving the KV cache of `input_per_day` prompt tokens a day
    /// for `hours`.
    #[must_use]
    pub fn usd(&self, input_per_day: f64, hours: f64) -> f64 {
        input_per_day * hours / 24.0 * self.kv_per_token.get() / 1e9 * self.usd_per_gb.get()
    }
}

/// The route from `prefill` (rated `pre`) to `decode` (rated `dec`) for
/// inference phase `phase`, or `None` when the pair may not serve it
/// disaggregated (module docs).
#[must_use]
pub fn route(
    perf: &PerfModel<'_>,
    phase: PhaseId,
    (prefill, pre): (PoolId, &InferencePair),
    (decode, dec): (PoolId, &InferencePair),
) -> Option<KvRoute> {
    let vs = perf.scenario();
    let d = vs.phase(phase).spec().disaggregation.as_ref()?;
    if prefill == decode {
        return None;
    }
    let (pa, pb) = (vs.pool(prefill), vs.pool(decode));
    let wider = if pre.precision.bytes() >= dec.precision.bytes() {
        pre.precision
    } else {
        dec.precision
    };
    let kv = perf.kv_bytes_per_token(phase, wider)?;
    let send = perf.scale_out_bandwidth(prefill);
    let receive = perf.scale_out_bandwidth(decode);
    let phase_price = d.usd_per_gb.unwrap_or(UsdPerGb::ZERO);
    let (link, price) = match d
        .links
        .iter()
        .find(|l| l.prefill == pa.name() && l.decode == pb.name())
    {
        Some(l) => (Some(l.bandwidth), l.usd_per_gb.unwrap_or(phase_price)),
        None => {
            let same = d.same_site.unwrap_or(true) && pa.site() == pb.site();
            if !same || send.is_none() || receive.is_none() {
                return None;
            }
            (None, phase_price)
        }
    };
    Some(KvRoute {
        kv_per_token: kv,
        link,
        usd_per_gb: price,
        send,
        receive,
    })
}
