//! The cheapest assignment of rows to distinct columns (the Hungarian method with potentials,
//! O(n² m)): which submission of a track takes which of its time slots.

/// `cost[row][column]` with no more rows than columns; returns each row's column.
pub fn cheapest(cost: &[Vec<i64>]) -> Vec<usize> {
    let n = cost.len();
    let m = cost.first().map_or(0, Vec::len);
    assert!(n <= m, "{n} rows cannot take distinct columns of {m}");
    // 1-based, column 0 a sentinel, as the method is usually written.
    let mut u = vec![0i64; n + 1];
    let mut v = vec![0i64; m + 1];
    let mut row_of = vec![0usize; m + 1];
    let mut way = vec![0usize; m + 1];
    for i in 1..=n {
        row_of[0] = i;
        let mut j0 = 0;
        let mut min_to = vec![i64::MAX; m + 1];
        let mut used = vec![false; m + 1];
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = i64::MAX;
            let mut j1 = 0;
            for j in 1..=m {
                if used[j] {
                    continue;
                }
                let reduced = cost[i0 - 1][j - 1] - u[i0] - v[j];
                if reduced < min_to[j] {
                    min_to[j] = reduced;
                    way[j] = j0;
                }
                if min_to[j] < delta {
                    delta = min_to[j];
                    j1 = j;
                }
            }
            for j in 0..=m {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    min_to[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut column_of = vec![0; n];
    for j in 1..=m {
        if row_of[j] > 0 {
            column_of[row_of[j] - 1] = j - 1;
        }
    }
    column_of
}

#[cfg(test)]
mod tests {
    use super::cheapest;

    fn total(cost: &[Vec<i64>], a: &[usize]) -> i64 {
        a.iter().enumerate().map(|(i, &j)| cost[i][j]).sum()
    }

    #[test]
    fn finds_the_cheapest_against_every_permutation() {
        let cost = vec![vec![4, 1, 3, 9], vec![2, 0, 5, 1], vec![3, 2, 2, 7]];
        let a = cheapest(&cost);
        let mut best = i64::MAX;
        for x in 0..4 {
            for y in 0..4 {
                for z in 0..4 {
                    if x != y && y != z && x != z {
                        best = best.min(cost[0][x] + cost[1][y] + cost[2][z]);
                    }
                }
            }
        }
        assert_eq!(total(&cost, &a), best);
        let mut columns = a.clone();
        columns.sort_unstable();
        columns.dedup();
        assert_eq!(columns.len(), 3, "distinct columns");
    }
}
