//! The load list: what an engineer takes from the warehouses before a day's
//! route, so that the cartridge is in the van before the van leaves. What the
//! visits need, less what the van holds and has not promised to other days,
//! is picked from the warehouses — first where the day's orders hold it.

use super::ids::{LocationId, PartId};
use super::stock::Quantity;

/// What a warehouse may still give of one part: its stock not promised to
/// orders outside the day being loaded. Shared by every engineer of the day,
/// so two lists never count the same cartridge.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    pub location_id: LocationId,
    pub part_id: PartId,
    pub left: Quantity,
    /// Warehouses the engineer's orders hold the part at come first.
    pub preferred: bool,
}

/// One part of an engineer's load list.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadLine {
    pub part_id: PartId,
    /// What the day's visits put in.
    pub needed: Quantity,
    /// What the van holds for them (its stock not promised to other days).
    pub in_van: Quantity,
    /// What to take, and from where.
    pub picks: Vec<(LocationId, Quantity)>,
    /// What no warehouse has: to buy, or to take from another van.
    pub short: Quantity,
}

impl LoadLine {
    /// The whole quantity to take from the warehouses.
    pub fn to_pick(&self) -> Quantity {
        self.picks
            .iter()
            .fold(Quantity::ZERO, |sum, (_, q)| sum + *q)
    }
}

/// The line for one part: `needed` less what is usable in the van, taken from
/// the pools of the part (preferred first, then the most left), each pool
/// drawn down by what this line takes.
pub fn line(
    part: &PartId,
    needed: Quantity,
    usable_in_van: Quantity,
    pools: &mut [Pool],
) -> LoadLine {
    let in_van = usable_in_van.max(Quantity::ZERO).min(needed);
    let mut wanted = needed - in_van;
    let mut order: Vec<usize> = (0..pools.len())
        .filter(|&i| pools[i].part_id == *part && pools[i].left > Quantity::ZERO)
        .collect();
    order.sort_by(|&a, &b| {
        (pools[b].preferred, pools[b].left).cmp(&(pools[a].preferred, pools[a].left))
    });
    let mut picks = vec![];
    for i in order {
        if wanted <= Quantity::ZERO {
            break;
        }
        let take = wanted.min(pools[i].left);
        pools[i].left = pools[i].left - take;
        wanted = wanted - take;
        picks.push((pools[i].location_id.clone(), take));
    }
    LoadLine {
        part_id: part.clone(),
        needed,
        in_van,
        picks,
        short: wanted.max(Quantity::ZERO),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(location: &LocationId, part: &PartId, left: i64, preferred: bool) -> Pool {
        Pool {
            location_id: location.clone(),
            part_id: part.clone(),
            left: Quantity::units(left),
            preferred,
        }
    }

    #[test]
    fn the_van_gives_first_then_the_warehouse_that_holds_it() {
        let q = Quantity::units;
        let (part, other) = (PartId::new(), PartId::new());
        let (main, north) = (LocationId::new(), LocationId::new());
        let mut pools = vec![
            pool(&main, &part, 10, false),
            pool(&north, &part, 2, true),
            pool(&main, &other, 50, false),
        ];
        let l = line(&part, q(5), q(1), &mut pools);
        assert_eq!(l.in_van, q(1));
        assert_eq!(l.picks, vec![(north.clone(), q(2)), (main.clone(), q(2))]);
        assert_eq!((l.to_pick(), l.short), (q(4), Quantity::ZERO));
        // The pools were drawn down: the next engineer finds what is left.
        let l = line(&part, q(9), Quantity::ZERO, &mut pools);
        assert_eq!(l.picks, vec![(main.clone(), q(8))]);
        assert_eq!(l.short, q(1));
        assert_eq!(pools[2].left, q(50), "another part's pool is untouched");
    }

    #[test]
    fn a_full_van_takes_nothing_and_owes_nothing() {
        let part = PartId::new();
        let mut pools = vec![];
        let l = line(&part, Quantity::units(2), Quantity::units(7), &mut pools);
        assert_eq!(
            (l.in_van, l.to_pick(), l.short),
            (Quantity::units(2), Quantity::ZERO, Quantity::ZERO)
        );
        // A van below zero counts as empty.
        let l = line(&part, Quantity::units(2), Quantity::units(-3), &mut pools);
        assert_eq!((l.in_van, l.short), (Quantity::ZERO, Quantity::units(2)));
    }
}
