import FerryWire

/// The in-memory store's delivery proofs, by key and in seq order. A value type, so a commit
/// snapshots it by copying (InMemoryMessageStore).
struct ProofTable {
    private(set) var proofs: [CustodyKey: StoredProof] = [:]
    private var keysBySeq: [Int64: CustodyKey] = [:]
    private var order = SeqIndex()

    var count: Int { proofs.count }

    /// Adds a proof whose key is not remembered yet.
    mutating func insert(_ proof: StoredProof) {
        precondition(proofs[proof.key] == nil && keysBySeq[proof.seq] == nil, "proof inserted twice")
        proofs[proof.key] = proof
        keysBySeq[proof.seq] = proof.key
        order.insert(proof.seq)
    }

    mutating func remove(_ key: CustodyKey) {
        guard let proof = proofs.removeValue(forKey: key) else { return }
        keysBySeq[proof.seq] = nil
        order.remove(proof.seq)
    }

    func after(_ seq: Int64, limit: Int) -> [StoredProof] {
        order.after(seq).prefix(limit).compactMap { keysBySeq[$0].flatMap { proofs[$0] } }
    }

    /// Every proof `include` accepts, in seq order.
    func all(where include: (StoredProof) -> Bool) -> [StoredProof] {
        order.seqs.compactMap { keysBySeq[$0].flatMap { proofs[$0] } }.filter(include)
    }
}
