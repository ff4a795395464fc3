import { describe, expect, it } from 'vitest';
import { matchesSearch, roomNumberOf } from './search.ts';

const ada = { name: 'Ada Lovelace', roomId: '12' };
const wang = { name: '王秀英', roomId: '120' };
const li = { name: '李明', roomId: 'A-3' };

describe('ward search', () => {
  it('reads a room number however it is typed', () => {
    for (const q of ['12', '12号', '１２', '１２号', 'Room 12', 'room12', '12室', ' 12 ', '#12', '12号房'])
      expect(roomNumberOf(q), q).toBe('12');
    expect(roomNumberOf('Ada')).toBeUndefined();
    expect(roomNumberOf('12a')).toBeUndefined();
  });

  it('finds rooms by number as the carer types', () => {
    expect(matchesSearch(ada, '12号')).toBe(true);
    expect(matchesSearch(ada, '１２')).toBe(true);
    expect(matchesSearch(wang, '12')).toBe(true); // 120 starts with 12: narrowing while typing
    expect(matchesSearch(wang, '120')).toBe(true);
    expect(matchesSearch(ada, '120')).toBe(false);
    expect(matchesSearch(li, '3')).toBe(true);
    expect(matchesSearch(li, '03')).toBe(false);
    expect(matchesSearch(ada, '3')).toBe(false);
  });

  it('finds names without regard to case or width', () => {
    expect(matchesSearch(ada, 'love')).toBe(true);
    expect(matchesSearch(ada, 'ＡＤＡ')).toBe(true);
    expect(matchesSearch(wang, '秀英')).toBe(true);
    expect(matchesSearch(wang, '李')).toBe(false);
    expect(matchesSearch(li, 'a-3')).toBe(true);
  });

  it('matches everyone on an empty query', () => {
    expect(matchesSearch(ada, '  ')).toBe(true);
  });
});
