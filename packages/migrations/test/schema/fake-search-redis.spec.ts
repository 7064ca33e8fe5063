import { fakeFtInfoReply } from './fake-search-redis';
import { indexFixtures } from './fixtures';

// The test double must answer FT.INFO the way the real server did for the same FT.CREATE.
describe.each(indexFixtures().map((f) => [f.case, f] as const))('fakeFtInfoReply matches the recorded FT.INFO of %s', (_c, f) => {
  const pick = (reply: unknown[], key: string) => reply[reply.indexOf(key) + 1];
  const fake = fakeFtInfoReply(f.redisOm.indexName, f.ftCreate);

  it('attributes, index_definition and stopwords_list', () => {
    expect(pick(fake, 'attributes')).toEqual(pick(f.ftInfo, 'attributes'));
    expect(pick(fake, 'index_definition')).toEqual(pick(f.ftInfo, 'index_definition'));
    expect(pick(fake, 'stopwords_list')).toEqual(pick(f.ftInfo, 'stopwords_list'));
  });
});
