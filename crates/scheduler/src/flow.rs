//! A min-cost flow network, for the overflow bound and the room-time feasibility check.

/// A min-cost flow network: successive shortest paths with Dijkstra on reduced costs.
pub(crate) struct Flow {
    to: Vec<usize>,
    cap: Vec<i64>,
    cost: Vec<f64>,
    out: Vec<Vec<usize>>,
}

impl Flow {
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            to: Vec::new(),
            cap: Vec::new(),
            cost: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    /// An edge and its residual twin (at index `e ^ 1`); returns `e`.
    pub(crate) fn edge(&mut self, from: usize, to: usize, cap: i64, cost: f64) -> usize {
        let e = self.to.len();
        for (a, b, c, w) in [(from, to, cap, cost), (to, from, 0, -cost)] {
            self.out[a].push(self.to.len());
            self.to.push(b);
            self.cap.push(c);
            self.cost.push(w);
        }
        e
    }

    /// Whether edge `e` carries flow.
    pub(crate) fn carries(&self, e: usize) -> bool {
        self.cap[e ^ 1] > 0
    }

    /// Sends up to `want` units from `s` to `t` at least cost: (units sent, cost).
    pub(crate) fn min_cost_flow(&mut self, s: usize, t: usize, want: i64) -> (i64, f64) {
        let n = self.out.len();
        // Every cost starts non-negative, so zero potentials are valid.
        let mut potential = vec![0.0_f64; n];
        let (mut sent, mut total) = (0, 0.0);
        while sent < want {
            let mut dist = vec![f64::INFINITY; n];
            let mut via = vec![usize::MAX; n];
            dist[s] = 0.0;
            let mut heap = std::collections::BinaryHeap::new();
            heap.push(Near(0.0, s));
            while let Some(Near(d, u)) = heap.pop() {
                if d > dist[u] {
                    continue;
                }
                for &e in &self.out[u] {
                    let v = self.to[e];
                    if self.cap[e] <= 0 {
                        continue;
                    }
                    // Reduced costs are non-negative up to rounding.
                    let reduced = (self.cost[e] + potential[u] - potential[v]).max(0.0);
                    if d + reduced < dist[v] - 1e-12 {
                        dist[v] = d + reduced;
                        via[v] = e;
                        heap.push(Near(dist[v], v));
                    }
                }
            }
            if !dist[t].is_finite() {
                break;
            }
            // Capping at the sink's distance keeps reduced costs non-negative for nodes this
            // round did not reach.
            for (p, d) in potential.iter_mut().zip(&dist) {
                *p += d.min(dist[t]);
            }
            // Every path of edges whose reduced cost is now zero is a cheapest one: push along
            // all of them before searching again (with unit capacities, as in reviewer
            // assignment, one path per search would mean a search per unit).
            let pushed = self.push_tight(s, t, &potential, want - sent);
            if pushed > 0 {
                sent += pushed;
                total += pushed as f64 * (potential[t] - potential[s]);
                continue;
            }
            // Rounding left no edge exactly tight: the search's own path still is cheapest.
            let mut push = want - sent;
            let mut v = t;
            while v != s {
                let e = via[v];
                push = push.min(self.cap[e]);
                v = self.to[e ^ 1];
            }
            let mut v = t;
            while v != s {
                let e = via[v];
                self.cap[e] -= push;
                self.cap[e ^ 1] += push;
                total += push as f64 * self.cost[e];
                v = self.to[e ^ 1];
            }
            sent += push;
        }
        (sent, total)
    }

    /// A blocking flow (Dinic's way) of at most `limit` over the edges with capacity left whose
    /// reduced cost under `potential` is zero; returns what it sent.
    fn push_tight(&mut self, s: usize, t: usize, potential: &[f64], limit: i64) -> i64 {
        let scale = potential.iter().fold(1.0_f64, |m, p| m.max(p.abs()));
        let tight = |flow: &Self, e: usize, u: usize| {
            flow.cap[e] > 0
                && (flow.cost[e] + potential[u] - potential[flow.to[e]]).abs() <= 1e-9 * scale
        };
        let n = self.out.len();
        let mut sent = 0;
        while sent < limit {
            let mut level = vec![usize::MAX; n];
            level[s] = 0;
            let mut queue = std::collections::VecDeque::from([s]);
            while let Some(u) = queue.pop_front() {
                for &e in &self.out[u] {
                    let v = self.to[e];
                    if level[v] == usize::MAX && tight(self, e, u) {
                        level[v] = level[u] + 1;
                        queue.push_back(v);
                    }
                }
            }
            if level[t] == usize::MAX {
                break;
            }
            let mut next = vec![0usize; n];
            let before = sent;
            while sent < limit {
                let f = self.augment(s, t, limit - sent, &level, &mut next, &tight);
                if f == 0 {
                    break;
                }
                sent += f;
            }
            if sent == before {
                break;
            }
        }
        sent
    }

    /// One augmenting path along rising levels, resuming each node's edges where the last
    /// search left them.
    fn augment(
        &mut self,
        u: usize,
        t: usize,
        limit: i64,
        level: &[usize],
        next: &mut [usize],
        tight: &impl Fn(&Self, usize, usize) -> bool,
    ) -> i64 {
        if u == t {
            return limit;
        }
        while next[u] < self.out[u].len() {
            let e = self.out[u][next[u]];
            let v = self.to[e];
            if level[v] == level[u] + 1 && tight(self, e, u) {
                let f = self.augment(v, t, limit.min(self.cap[e]), level, next, tight);
                if f > 0 {
                    self.cap[e] -= f;
                    self.cap[e ^ 1] += f;
                    return f;
                }
            }
            next[u] += 1;
        }
        0
    }

    /// Nodes reachable from `s` through edges with capacity left: after a maximum flow, the
    /// source side of a minimum cut.
    pub(crate) fn reachable(&self, s: usize) -> Vec<bool> {
        let mut seen = vec![false; self.out.len()];
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(u) = stack.pop() {
            for &e in &self.out[u] {
                let v = self.to[e];
                if self.cap[e] > 0 && !seen[v] {
                    seen[v] = true;
                    stack.push(v);
                }
            }
        }
        seen
    }
}

/// A heap entry ordered nearest first.
struct Near(f64, usize);

impl PartialEq for Near {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Near {}
impl PartialOrd for Near {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Near {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.0.total_cmp(&self.0)
    }
}
