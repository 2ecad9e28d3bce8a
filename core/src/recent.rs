//! [`Recent`]: a map that keeps at most so many entries and forgets the
//! oldest first; the client and the server keep decoded documents in one.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// A map bounded to `capacity` entries; putting one more forgets the
/// entry put longest ago. Taking an entry removes it (the caller puts it
/// back when done), so an entry is never used by two holders at once.
#[derive(Debug)]
pub struct Recent<K, V> {
    /// Each value with the number of the put that stored it.
    map: HashMap<K, (V, u64)>,
    /// Puts, oldest first; a put whose number is not its key's current
    /// one is stale (the key was taken, or put again since).
    order: VecDeque<(K, u64)>,
    puts: u64,
    capacity: usize,
}

impl<K: Eq + Hash + Clone, V> Recent<K, V> {
    /// An empty map that keeps at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            puts: 0,
            capacity,
        }
    }

    /// Remove and return the entry for `key`.
    pub fn take(&mut self, key: &K) -> Option<V> {
        self.map.remove(key).map(|(v, _)| v)
    }

    /// Keep `value` under `key`, forgetting the entries put longest ago
    /// beyond the capacity.
    pub fn put(&mut self, key: K, value: V) {
        self.puts += 1;
        self.map.insert(key.clone(), (value, self.puts));
        self.order.push_back((key, self.puts));
        while self.map.len() > self.capacity {
            match self.order.pop_front() {
                Some((old, n)) => {
                    if self.map.get(&old).is_some_and(|(_, current)| *current == n) {
                        self.map.remove(&old);
                    }
                }
                None => break,
            }
        }
        // Drop stale puts now and then, so `order` stays small.
        if self.order.len() > self.capacity * 4 {
            let map = &self.map;
            self.order
                .retain(|(k, n)| map.get(k).is_some_and(|(_, current)| current == n));
        }
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_and_stays_bounded() {
        let mut r = Recent::new(3);
        for k in 0..5 {
            r.put(k, k * 10);
        }
        assert_eq!(r.len(), 3);
        assert_eq!(r.take(&0), None, "the oldest were forgotten");
        assert_eq!(r.take(&1), None);
        assert_eq!(r.take(&4), Some(40));
        assert_eq!(r.take(&4), None, "taking removes");
        // Taking and putting back many times keeps the bookkeeping small.
        for _ in 0..100 {
            let v = r.take(&3).expect("kept");
            r.put(3, v);
        }
        assert!(r.order.len() <= 3 * 4 + 1, "stale puts are dropped");
        // 3 was put last: of 2 and 3, 2 goes first.
        r.put(7, 70);
        r.put(8, 80);
        assert_eq!(r.take(&2), None, "2 was the oldest");
        assert_eq!(r.take(&3), Some(30), "3, put again recently, is kept");
        r.clear();
        assert!(r.is_empty());
    }
}
